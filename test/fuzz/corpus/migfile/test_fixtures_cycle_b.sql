-- covet:depends c
-- covet:up
CREATE TABLE cb (id int);
