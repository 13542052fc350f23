"""Monthly rollups and the O&M reports read from them."""
