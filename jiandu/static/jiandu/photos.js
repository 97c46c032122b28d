// One caption field per chosen photo, with a small preview; the common caption is the default for all.
document.querySelectorAll("[data-photo-input]").forEach((input) => {
  const box = input.closest("form").querySelector("[data-photo-captions]");
  const common = input.closest("form").querySelector("[data-common-caption] input");
  input.addEventListener("change", () => {
    box.innerHTML = "";
    Array.from(input.files).forEach((file, i) => {
      const row = document.createElement("div");
      row.className = "d-flex gap-2 align-items-center";
      const img = document.createElement("img");
      img.src = URL.createObjectURL(file); img.width = 64; img.height = 48; img.style.objectFit = "cover"; img.className = "rounded border";
      const cap = document.createElement("input");
      cap.type = "text"; cap.name = "photo_caption_" + i; cap.className = "form-control form-control-sm";
      cap.placeholder = (common && common.value) || "照片说明，如：图为4月28日，……"; cap.maxLength = 500;
      cap.setAttribute("aria-label", "第" + (i + 1) + "张照片的说明"); cap.dataset.testid = "photo-caption-" + i;
      row.append(img, cap); box.append(row);
    });
  });
});
