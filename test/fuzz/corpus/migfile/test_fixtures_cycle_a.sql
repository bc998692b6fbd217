-- covet:depends b
-- covet:up
CREATE TABLE ca (id int);
