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
-- with generators (covet_seed's form): column cN is covet_fake of the Nth
-- generator, "<key> <length>:<spec>" back to back; past the last, NULL
SELECT r, c1, c2, c3 FROM covet_series(1, 3, '7 5:email-11 9:int(1, 9)');
SELECT count(*) FROM covet_series(1, 2000, '7 5:email-11 9:int(1, 9)3 43:timestamp(2020-01-01, 2020-12-31); null=0.3')
 WHERE c1 IS NOT covet_fake('email', 7, r) OR c2 IS NOT covet_fake('int(1, 9)', -11, r)
    OR c3 IS NOT covet_fake('timestamp(2020-01-01, 2020-12-31); null=0.3', 3, r)
    OR typeof(c2) <> 'integer';
SELECT count(*), count(c1) > 1200, count(c1) < 1600 FROM covet_series(1, 2000, '3 43:timestamp(2020-01-01, 2020-12-31); null=0.3');
SELECT * FROM covet_series(1, 2, '7 5:email');
SELECT group_concat(r), count(c1) FROM covet_series(1, 3, NULL);
SELECT r, c1 FROM covet_series(1, 1, '');
SELECT r, c1 FROM covet_series(1, 1, '7 5:emai');
SELECT r, c1 FROM covet_series(1, 1, 'x 5:email');
SELECT r, c1 FROM covet_series(1, 1, '7 9:emailx');
SELECT r, c1 FROM covet_series(1, 1, '7 7:no_such');
SELECT r FROM covet_series(1, 1, (SELECT group_concat('1 4:word', '') FROM covet_series(1, 65)));
SELECT count(c64) FROM covet_series(1, 3, (SELECT group_concat('1 4:word', '') FROM covet_series(1, 64)));
