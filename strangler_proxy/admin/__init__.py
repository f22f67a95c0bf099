"""The admin side: the loopback HTTP listener (``server``), who may call it (``auth``), the admin
API's handlers that read and change live routes (``api``), and the small stdlib client that
``demonolith routes set|rollback`` use (``client``).
"""
