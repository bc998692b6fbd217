-- covet:up
UPDATE t SET n = n + 1 --; DROP TABLE canary;
