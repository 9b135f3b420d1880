// An independent reader for our feeds: reads a feed on stdin and prints what it understood as
// JSON ({items: [{title, link, guid, enclosure}]}). RSS and Atom go through rss-parser (npm);
// JSON Feed is read here by the spec's field names.
"use strict";
const Parser = require("rss-parser");

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function fromJsonFeed(text) {
  const feed = JSON.parse(text);
  return {
    title: feed.title,
    items: feed.items.map((item) => ({
      title: item.title,
      link: item.url,
      guid: item.id,
      enclosure: item.attachments ? item.attachments[0].url : null,
    })),
  };
}

async function fromXml(text) {
  const parser = new Parser({ customFields: { item: [["link", "links", { keepArray: true }]] } });
  const feed = await parser.parseString(text);
  return {
    title: feed.title,
    items: feed.items.map((item) => ({
      title: item.title,
      link: item.link,
      guid: item.guid || item.id,
      enclosure: item.enclosure ? item.enclosure.url : atomEnclosure(item.links),
    })),
  };
}

function atomEnclosure(links) {
  const found = (links || []).find((link) => link && link.$ && link.$.rel === "enclosure");
  return found ? found.$.href : null;
}

readStdin()
  .then((text) => (text.trimStart().startsWith("{") ? fromJsonFeed(text) : fromXml(text)))
  .then((result) => process.stdout.write(JSON.stringify(result)))
  .catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  });
