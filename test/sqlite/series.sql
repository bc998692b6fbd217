-- covet_series(lo, hi): the row source of covet_seed in SQLite.
.load ./covet
.headers off
.mode list
SELECT group_concat(r) FROM covet_series(1, 5);
SELECT count(*), min(r), max(r), sum(r) FROM covet_series(1, 100000);
SELECT count(*) FROM covet_series(5, 1);
SELECT count(*) FROM covet_series(NULL, 3);
SELECT group_concat(r) FROM covet_series(-2, 2);
SELECT s.r, t.r FROM covet_series(1, 2) AS s, covet_series(10, 11) AS t ORDER BY 1, 2;
SELECT r FROM covet_series(1, 3) ORDER BY r DESC;
SELECT count(*) FROM covet_series;
