-- A normalised email for case-insensitive lookups.
-- covet:depends 0001_create_users
-- covet:up
ALTER TABLE users ADD COLUMN email_norm text;

-- covet:down
ALTER TABLE users DROP COLUMN email_norm;
