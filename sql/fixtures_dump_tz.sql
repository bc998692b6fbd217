-- covet_dumpdata(style => 'django') writes a timestamptz as Django's
-- dumpdata does with USE_TZ = False: in the session's TimeZone, without an
-- offset; the default style keeps the offset.  timestamp is as stored.
CREATE TABLE tzapp_event (id integer PRIMARY KEY, at timestamptz, at3 timestamp(3) with time zone,
	local timestamp, day date);
INSERT INTO tzapp_event VALUES
	(1, '2006-06-16 12:00:00+00', '2006-06-16 12:00:00.123+00', '2006-06-16 12:00:00', '2006-06-16'),
	(2, NULL, NULL, NULL, NULL),
	(3, '2024-02-29 23:30:00.5-05', '2024-02-29 23:30:00-05', '2024-02-29 23:30:00.5', '2024-02-29');
SET TimeZone = 'UTC';
SELECT covet_dumpdata('tzapp_event');
SELECT covet_dumpdata('tzapp_event', style => 'django');
SET TimeZone = 'Europe/Paris';
SELECT covet_dumpdata('tzapp_event', style => 'django');
SELECT covet_dumpdata('tzapp_event', 'yaml', style => 'django');
-- read back in the same time zone: the same instants
CREATE TABLE tzapp_copy (LIKE tzapp_event INCLUDING ALL);
SELECT covet_loaddata(covet_dumpdata('tzapp_event', style => 'django'), model_map => '{"tzapp.event": "tzapp_copy"}');
SELECT count(*) AS differing FROM (TABLE tzapp_event EXCEPT TABLE tzapp_copy) d;
RESET TimeZone;
DROP TABLE tzapp_event, tzapp_copy;
