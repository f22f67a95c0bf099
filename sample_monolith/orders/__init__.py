"""Orders: carts, promotions, checkout, refunds and order history."""
