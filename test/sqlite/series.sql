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
-- covet_seed takes the values from covet_series up to 64 generated columns
-- and from one covet_fake call each past that: the same values either way
CREATE TABLE narrow (id integer PRIMARY KEY, email text, score integer, x63 text);
CREATE TABLE wide (id integer PRIMARY KEY, email text, score integer, x1 text, x2 text, x3 text, x4 text, x5 text, x6 text, x7 text, x8 text, x9 text, x10 text, x11 text, x12 text, x13 text, x14 text, x15 text, x16 text, x17 text, x18 text, x19 text, x20 text, x21 text, x22 text, x23 text, x24 text, x25 text, x26 text, x27 text, x28 text, x29 text, x30 text, x31 text, x32 text, x33 text, x34 text, x35 text, x36 text, x37 text, x38 text, x39 text, x40 text, x41 text, x42 text, x43 text, x44 text, x45 text, x46 text, x47 text, x48 text, x49 text, x50 text, x51 text, x52 text, x53 text, x54 text, x55 text, x56 text, x57 text, x58 text, x59 text, x60 text, x61 text, x62 text, x63 text);
SELECT covet_seed('narrow', 50, '{"score": "int(1, 1000)"}', 9);
SELECT covet_seed('wide', 50, '{"score": "int(1, 1000)"}', 9);
SELECT count(*), count(DISTINCT n.email), count(DISTINCT n.score) > 40 FROM narrow n JOIN wide w USING (id)
 WHERE n.email = w.email AND n.score = w.score AND n.x63 = w.x63;
-- bounds are bigints, judged as PostgreSQL's generate_series(bigint, bigint)
-- judges them: digits in text and whole REALs count, nothing is truncated
SELECT count(*) FROM covet_series(1, '3');
SELECT count(*) FROM covet_series(1, 3.0);
SELECT count(*) FROM covet_series(1.5, 3);
SELECT count(*) FROM covet_series('x', 3);
SELECT count(*) FROM covet_series(1, '99999999999999999999');
