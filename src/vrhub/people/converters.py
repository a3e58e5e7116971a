from django.urls import register_converter


class PersonReferenceConverter:
    regex = "P-[23456789A-HJKMNP-Z]{8}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PersonReferenceConverter, "person")
