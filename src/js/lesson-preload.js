// A link straight to a lesson (#/lesson/<id>) starts the lesson's download here, beside the
// app's own, instead of after the app has loaded and started: on a slow connection that is a
// round trip and a download sooner on screen. The app's fetch of the same file gets this one.
// Anything unexpected (an old id, a damaged page) leaves the app to fetch it as usual.
const link = /^#\/lesson\/([^/?#]+)/.exec(location.hash);
const course = document.getElementById("pyroad-course");
if (link && course) {
  try {
    const id = decodeURIComponent(link[1]);
    const lesson = JSON.parse(course.textContent)
      .stages.flatMap((stage) => stage.topics)
      .flatMap((topic) => topic.lessons)
      .find((lesson) => lesson.id === id);
    if (lesson) {
      const preload = document.createElement("link");
      Object.assign(preload, { rel: "preload", as: "fetch", crossOrigin: "anonymous", href: lesson.file });
      document.head.append(preload);
    }
  } catch {}
}
