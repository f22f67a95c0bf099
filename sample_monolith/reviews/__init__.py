"""Reviews: product ratings written by customers."""
