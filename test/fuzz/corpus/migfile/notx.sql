-- covet:no-transaction
-- covet:up
CREATE INDEX CONCURRENTLY i ON t (a);
