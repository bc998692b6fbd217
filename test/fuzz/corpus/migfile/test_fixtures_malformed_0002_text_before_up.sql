-- a comment is fine here

CREATE TABLE oops (id int);
-- covet:up
SELECT 1;
