-- Users of the shop.  Portable SQL: runs unchanged on PostgreSQL and SQLite.
-- covet:kind schema
-- covet:up
CREATE TABLE users (
    id integer PRIMARY KEY,
    email text NOT NULL,
    full_name text,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- covet:down
DROP TABLE users;
