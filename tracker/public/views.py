from flask import Blueprint

blueprint = Blueprint("public", __name__)


@blueprint.get("/")
def home() -> str:
    return "home"
