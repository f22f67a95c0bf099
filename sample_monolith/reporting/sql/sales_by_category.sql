-- Revenue and units per category for orders with a captured payment.
-- Joins tables of three apps: orders, catalog, payments.
SELECT
    c.slug                                   AS category,
    COUNT(DISTINCT o.id)                     AS orders,
    SUM(l.quantity)                          AS units,
    ROUND(SUM(l.unit_price * l.quantity), 2) AS revenue
FROM orders_orderline AS l
JOIN orders_order AS o ON o.id = l.order_id
JOIN catalog_product AS p ON p.id = l.product_id
JOIN catalog_category AS c ON c.id = p.category_id
JOIN payments_payment AS pay ON pay.order_id = o.id AND pay.status = 'captured'
WHERE o.placed_at >= %s AND o.placed_at < %s
GROUP BY c.slug
ORDER BY revenue DESC, c.slug
