// Integration tests wait on real servers (group joins, leader elections): give them room.
// Jest reads `testTimeout` only at the top level, so each integration file sets it here.
jest.setTimeout(120_000);
