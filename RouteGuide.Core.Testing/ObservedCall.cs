using Grpc.Core;

namespace RouteGuide.Core.Testing;

/// <summary>One call that the server of a <see cref="RouteGuideTestHost"/> finished handling.</summary>
/// <remarks>
/// <para>
/// The host records a call when its handler returns or throws, before the status goes out, so a call whose
/// response the client has received is already in <see cref="RouteGuideTestHost.Calls"/>. A call the client
/// ended first (cancelled, deadline, connection lost) is recorded when the handler notices, a little later:
/// wait for it with <see cref="RouteGuideTestHost.Eventually"/>.
/// </para>
/// <para>
/// The status is the one the handler ended the call with: its <see cref="RpcException"/>'s status, or
/// <see cref="ServerCallContext.Status"/> when it returned (<see cref="StatusCode.OK"/> unless it set one).
/// A handler that throws any other exception is recorded as <see cref="StatusCode.Unknown"/> (what ASP.NET
/// Core gRPC answers for it) with that exception's type and message as the detail; the RouteGuide
/// service's calls never are, as its call policy (<c>RouteGuideCallPolicy</c>) turns every failure into a status.
/// </para>
/// </remarks>
/// <param name="Method">The gRPC method's full name, e.g. <c>/routeguide.RouteGuide/RecordRoute</c>.</param>
/// <param name="StatusCode">The status code the handler ended the call with.</param>
/// <param name="StatusDetail">The status's detail message; empty for a call that succeeded.</param>
/// <param name="RequestCount">How many request messages the handler read (for <c>RecordRoute</c>: points).</param>
/// <param name="ResponseCount">How many response messages the handler sent.</param>
public sealed record ObservedCall(string Method, StatusCode StatusCode, string StatusDetail, long RequestCount, long ResponseCount);
