from django.http import Http404


def scorecard(request):
    raise Http404


def scorecard_export(request):
    raise Http404
