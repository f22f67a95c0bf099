"""What the proxy tells the outside: the Prometheus registry (``metrics``), the JSON access log
(``accesslog``), the merging of worker processes' metrics (``aggregate``) and the request samples
of routes under automatic promotion (``samples``). Nothing here knows about route objects or
sockets.
"""
