-- covet:depends 0001_a, 0002_b
-- covet:kind data
-- covet:up
SELECT 1;
-- covet:down
SELECT 2;
