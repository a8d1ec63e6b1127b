"""The request checkers the property test relies on where openapi-core cannot read a document
(swagger2_requests.py, form_requests.py) must refuse what the document forbids, or the property
test could pass without checking anything. Each case is a request written by hand."""
import pytest

from conftest import REPO
from form_requests import FormRequests
from form_requests import RequestFault as FormFault
from swagger2_requests import RequestFault, Swagger2Requests

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def swagger2():
    return Swagger2Requests(REPO / "fixtures" / "openapi" / "swagger2-formats.json")


@pytest.fixture(scope="module")
def forms():
    return FormRequests(REPO / "fixtures" / "openapi" / "form-encodings.yaml")


def check_swagger2(checker, body, target="/api/search/1,2"):
    checker.check("POST", "/search/{ids}", "/api", target, FORM, body.encode())


def check_form(checker, body="", target="/api/charges", method="POST"):
    template = "/charges" if target.split("?")[0] == "/api/charges" else "/charges/search"
    checker.check(method, template, "/api", target, FORM, body.encode())


def test_swagger2_accepts_what_the_document_allows(swagger2):
    check_swagger2(swagger2, "name=Bo&colors=red%2Cblue&sizes=1%7C2&labels=x&labels=y&note=&status=sold&age=3")
    check_swagger2(swagger2, "name=Bo", target="/api/search/1,2?csv=a,b&multi=i&multi=j&pipes=g%7Ch")


@pytest.mark.parametrize("body, target, why", [
    ("name=", "/api/search/1", "empty"),  # no allowEmptyValue
    ("age=3", "/api/search/1", "name"),  # a required field missing
    ("name=Bo&colors=a&colors=b", "/api/search/1", "twice"),  # csv, not multi
    ("name=Bo&sizes=1,2", "/api/search/1", "sizes"),  # pipes: "1,2" is not an integer
    ("name=Bo&status=lost", "/api/search/1", "lost"),  # outside the enum
    ("name=Bo&age=old", "/api/search/1", "age"),  # not an integer
    ("name=Bo&extra=1", "/api/search/1", "extra"),  # not a parameter
    ("name=Bo", "/api/search/x", "ids"),  # path array of integers
])
def test_swagger2_refuses_what_the_document_forbids(swagger2, body, target, why):
    with pytest.raises(RequestFault, match=why):
        check_swagger2(swagger2, body, target)


def test_swagger2_refuses_a_media_type_the_operation_does_not_consume(swagger2):
    with pytest.raises(RequestFault, match="consumes"):
        swagger2.check("POST", "/search/{ids}", "/api", "/api/search/1", {"Content-Type": "application/json"}, b'{"name": "Bo"}')


def test_forms_accept_what_the_document_allows(forms):
    check_form(forms, "amount=5&expand%5B0%5D=customer&metadata%5Border%5D=A+1&items%5B0%5D%5Bprice%5D=p_1"
                      "&items%5B0%5D%5Bquantity%5D=2&ids=3%2C4&tags=a%7Cb&capture=false&description=")
    check_form(forms, "amount=1&metadata=")
    check_form(forms, target="/api/charges/search?created%5Bgte%5D=5&expand%5B0%5D=a", method="GET")
    check_form(forms, target="/api/charges/search?created=5", method="GET")


@pytest.mark.parametrize("body, why", [
    ("amount=0", "minimum"),
    ("currency=eur", "amount"),
    ("amount=1&items%5B0%5D%5Bquantity%5D=2", "price"),
    ("amount=1&items%5B1%5D%5Bprice%5D=p", "items"),  # index 1 without index 0 is not an array
    ("amount=1&expand=a&expand=b", "expand"),  # repeated keys, the encoding says deepObject
    ("amount=1&tags=a%7CB", "tags"),  # pattern ^[a-z]+$
    ("amount=1&ids=3&ids=4", "ids"),  # form, explode false: one joined value
    ("amount=1&capture=yes", "capture"),
    ("amount=1&metadata%5Ba%5D%5Bb%5D=c", "metadata"),  # values are strings, not objects
    ("amount=1&description=" + "x" * 41, "description"),
])
def test_forms_refuse_what_the_document_forbids(forms, body, why):
    with pytest.raises(FormFault, match=why):
        check_form(forms, body)


def test_forms_refuse_a_query_the_document_forbids(forms):
    with pytest.raises(FormFault, match="created"):
        check_form(forms, target="/api/charges/search?created%5Bgte%5D=soon", method="GET")
    with pytest.raises(FormFault, match="unknown"):
        check_form(forms, target="/api/charges/search?unknown=1", method="GET")
