-- covet:depends 0000_nosuch
-- covet:up
CREATE TABLE m1 (id int);
