-- covet:up
SELECT 1;
-- covet:up
SELECT 2;
-- covet:down
-- covet:down
