-- covet:frobnicate
-- covet:up
SELECT 1;
