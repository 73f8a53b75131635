"""The demo retailers: realistic staff, customers and orders for trying the desk out."""
