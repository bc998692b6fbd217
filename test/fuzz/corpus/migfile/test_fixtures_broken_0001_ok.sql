-- covet:up
CREATE TABLE canary_b1 (id int);
-- covet:down
DROP TABLE canary_b1;
