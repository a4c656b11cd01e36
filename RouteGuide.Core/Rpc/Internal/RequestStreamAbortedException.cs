namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// Raised by a host's request reader when the transport under the request stream failed (the client
/// reset the call's stream, or its connection went away) rather than its bytes being unreadable.
/// </summary>
/// <remarks>
/// A host may report such a reset from the request body before it cancels the call's token (Kestrel
/// fails the body at once and cancels <c>RequestAborted</c> from the thread pool just after), so the
/// token alone cannot tell it from a message that could not be read. <see cref="RouteGuideCallPolicy"/>
/// treats it as the client ending the call. Never seen by callers.
/// </remarks>
internal sealed class RequestStreamAbortedException(Exception inner) : Exception(inner.Message, inner);
