namespace RouteGuide.Core.Rpc.Internal;

/// <summary>Carries a failure of the request stream itself, never seen by callers.</summary>
internal sealed class RequestStreamWriteException(Exception inner) : Exception(inner.Message, inner);
