"""A small shop: orders with a tracking number, kept up to date from 17TRACK's pushes."""
