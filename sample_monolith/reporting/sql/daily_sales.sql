-- One row per day: orders, units and gross revenue of sold orders, and refunds issued.
SELECT
    date(o.placed_at)                                  AS day,
    COUNT(DISTINCT o.id)                               AS orders_count,
    COALESCE(SUM(l.quantity), 0)                       AS units_sold,
    ROUND(COALESCE(SUM(l.unit_price * l.quantity), 0), 2) AS gross_revenue,
    (SELECT ROUND(COALESCE(SUM(r.amount), 0), 2)
       FROM payments_refund AS r
       JOIN payments_payment AS p ON p.id = r.payment_id
       JOIN orders_order AS o2 ON o2.id = p.order_id
      WHERE date(o2.placed_at) = date(o.placed_at))    AS refunded_amount
FROM orders_order AS o
JOIN orders_orderline AS l ON l.order_id = o.id
WHERE o.status <> 'pending' AND o.status <> 'cancelled'
GROUP BY date(o.placed_at)
ORDER BY day
