-- covet:depends 0001_ok
-- covet:up
CREATE TABLE canary_b2 (id int);
CREATE TABLE canary_b3 (id int,;
-- covet:down
DROP TABLE canary_b2;
