-- covet:depends ../etc/passwd
-- covet:up
SELECT 1;
