"""A bare Flask hello-world, the yardstick for the live-state endpoint (PG-1)."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "Hello, World!"
