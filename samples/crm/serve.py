#!/usr/bin/env python3
"""A stand-in CRM for the shipped customer-lookup pipeline: GET /customers/{id} answers JSON.

Usage: python3 samples/crm/serve.py      (listens on 127.0.0.1:18081; start Braid with
BRAID_ENRICH_ALLOWED_HOSTS=127.0.0.1:18081 so its enrich step may call a loopback address)
"""
import json
from http.server import BaseHTTPRequestHandler, HTTPServer

CUSTOMERS = {
    "c-42": {"id": "c-42", "name": "Jane Doe", "tier": "gold",
             "orders": [{"id": "o-1", "status": "open"}, {"id": "o-2", "status": "shipped"}]},
    "c-7": {"id": "c-7", "name": "Max Mustermann", "tier": "silver", "orders": []},
}


class Crm(BaseHTTPRequestHandler):
    def do_GET(self):
        prefix = "/customers/"
        customer = CUSTOMERS.get(self.path[len(prefix):]) if self.path.startswith(prefix) else None
        body = json.dumps(customer if customer else {"error": "no such customer"}).encode()
        self.send_response(200 if customer else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", 18081), Crm).serve_forever()
