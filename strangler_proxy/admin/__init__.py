"""The admin side: the loopback HTTP listener (``server``), who may call it (``auth``), the admin
API's handlers that read and change live routes (``api``) and command the automatic canary
(``promotion_api``), and the small stdlib client that ``demonolith routes set|rollback|breaker|
promote`` use (``client``).
"""
