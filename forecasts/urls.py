from django.urls import path

from forecasts.pages import views

urlpatterns = [
    path("", views.home, name="home"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("authors/<slug:slug>/", views.author_detail, name="author-detail"),
    path("questions/", views.question_list, name="question-list"),
    path("questions/<slug:slug>/", views.question_detail, name="question-detail"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("topics/", views.tag_list, name="tag-list"),
    path("about/scoring/", views.about_scoring, name="about-scoring"),
]
