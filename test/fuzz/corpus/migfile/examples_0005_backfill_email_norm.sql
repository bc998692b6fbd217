-- Fill email_norm for existing rows.
-- covet:kind data
-- covet:depends 0003_seed_users 0004_add_email_norm
-- covet:up
UPDATE users SET email_norm = lower(trim(email)) WHERE email_norm IS NULL;

-- covet:down
UPDATE users SET email_norm = NULL;
