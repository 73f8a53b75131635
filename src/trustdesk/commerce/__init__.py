"""The retailer's commerce data: customers and orders, and importing them."""
