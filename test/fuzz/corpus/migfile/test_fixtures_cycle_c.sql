-- covet:depends a
-- covet:up
CREATE TABLE cc (id int);
