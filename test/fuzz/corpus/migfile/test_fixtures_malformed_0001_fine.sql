-- covet:up
CREATE TABLE fine (id int);
-- covet:down
DROP TABLE fine;
