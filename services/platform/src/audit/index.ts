export * from './audit-record';
export * from './audit-trail';
export * from './audit.middleware';
export * from './audit.module';
