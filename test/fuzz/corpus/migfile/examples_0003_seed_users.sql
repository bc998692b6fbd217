-- A few users as they arrive from the old system: emails in mixed case,
-- with spaces around them.
-- covet:kind data
-- covet:depends 0002_create_orders
-- covet:up
INSERT INTO users (id, email, full_name) VALUES
    (1, '  Ada.Lovelace@Example.COM ', 'Ada Lovelace'),
    (2, 'grace@example.com', 'Grace Hopper'),
    (3, ' Edsger@Example.org', 'Edsger Dijkstra');
INSERT INTO orders (id, user_id, total_cents, status) VALUES
    (1, 1, 1999, 'new'),
    (2, 1, 500, 'done'),
    (3, 3, 12000, 'processing');

-- covet:down
DELETE FROM orders WHERE id IN (1, 2, 3);
DELETE FROM users WHERE id IN (1, 2, 3);
