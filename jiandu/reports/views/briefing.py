from django.http import Http404


def briefing_list(request):
    raise Http404


def briefing_create(request):
    raise Http404


def briefing_detail(request, pk):
    raise Http404


def briefing_docx(request, pk):
    raise Http404
