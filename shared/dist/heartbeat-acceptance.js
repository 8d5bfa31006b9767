/** Whether `stage` takes a heartbeat from a viewer (anonymous: an anonymous session's). */
export function heartbeatAcceptance(stage, anonymous) {
    if (stage.status !== "live")
        return "ended";
    if (anonymous && !stage.allowAnonymous)
        return "anonymous-refused";
    return "accepted";
}
/** A viewer's kind as HEARTBEAT_SCRIPT is given it: `a` anonymous, `s` signed (a viewer token). */
export function viewerKind(anonymous) {
    return anonymous ? "a" : "s";
}
/** The kinds of viewer (`s`, `a`) whose heartbeats `stage` takes: its copy's `accepts`. */
export function acceptedViewerKinds(stage) {
    return [false, true]
        .filter((anonymous) => heartbeatAcceptance(stage, anonymous) === "accepted")
        .map(viewerKind)
        .join("");
}
