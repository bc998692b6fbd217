-- covet:kind nonsense
-- covet:up
x
