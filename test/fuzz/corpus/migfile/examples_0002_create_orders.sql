-- Orders belong to users.
-- covet:depends 0001_create_users
-- covet:up
CREATE TABLE orders (
    id integer PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id),
    total_cents integer NOT NULL CHECK (total_cents >= 0),
    status text NOT NULL DEFAULT 'new'
);
CREATE INDEX orders_user_id_idx ON orders (user_id);

-- covet:down
DROP TABLE orders;
