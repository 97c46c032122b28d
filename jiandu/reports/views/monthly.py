from django.http import Http404


def monthly(request):
    raise Http404


def monthly_export(request):
    raise Http404
