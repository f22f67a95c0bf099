"""What the proxy tells the outside: the Prometheus registry (``metrics``), the JSON access log
(``accesslog``) and the merging of worker processes' metrics (``aggregate``). Nothing here knows
about routes or sockets.
"""
