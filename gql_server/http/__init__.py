"""HTTP-layer pieces of the app: the offline GraphiQL page and its assets, CORS, compression."""
