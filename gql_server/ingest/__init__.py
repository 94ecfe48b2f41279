"""Loading LL2 JSON into the database: normalize (pure) then load (one transaction a file)."""
